from warmlint.cli import main

main()
