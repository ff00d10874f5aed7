# Empty compiler generated dependencies file for fuzz_server_json.
# This may be replaced when dependencies are built.
