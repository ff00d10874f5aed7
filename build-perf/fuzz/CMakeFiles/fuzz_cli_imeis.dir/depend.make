# Empty dependencies file for fuzz_cli_imeis.
# This may be replaced when dependencies are built.
