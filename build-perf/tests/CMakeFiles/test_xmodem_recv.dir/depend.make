# Empty dependencies file for test_xmodem_recv.
# This may be replaced when dependencies are built.
