# Empty dependencies file for test_qbackup.
# This may be replaced when dependencies are built.
