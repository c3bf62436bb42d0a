from paxta.cli import main

main()
