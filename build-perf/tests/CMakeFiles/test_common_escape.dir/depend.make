# Empty dependencies file for test_common_escape.
# This may be replaced when dependencies are built.
