# Empty dependencies file for fuzz_xmodem_send.
# This may be replaced when dependencies are built.
