from learncli.cli.app import main

main()
