# Empty dependencies file for test_server_db.
# This may be replaced when dependencies are built.
