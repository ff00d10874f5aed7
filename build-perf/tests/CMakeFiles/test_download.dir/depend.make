# Empty dependencies file for test_download.
# This may be replaced when dependencies are built.
