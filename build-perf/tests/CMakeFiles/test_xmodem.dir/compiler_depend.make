# Empty compiler generated dependencies file for test_xmodem.
# This may be replaced when dependencies are built.
