"""`aigw-doctor check`: preflight, concurrent probes and the doctor report, as a core that returns data."""
