from fundcheck.cli import main

main()
