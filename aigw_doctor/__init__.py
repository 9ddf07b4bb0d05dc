"""aigw-doctor: a diagnostic troubleshooter for AI gateways."""

__version__ = "0.1.0"
