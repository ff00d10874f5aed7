# Empty compiler generated dependencies file for test_cli_imei_list.
# This may be replaced when dependencies are built.
