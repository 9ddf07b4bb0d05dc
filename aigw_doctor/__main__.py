from aigw_doctor.cli import main

main()
