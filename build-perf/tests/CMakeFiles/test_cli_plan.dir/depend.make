# Empty dependencies file for test_cli_plan.
# This may be replaced when dependencies are built.
