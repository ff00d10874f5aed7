# Empty compiler generated dependencies file for test_cmdbuf.
# This may be replaced when dependencies are built.
