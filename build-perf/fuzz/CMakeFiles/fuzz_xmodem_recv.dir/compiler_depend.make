# Empty compiler generated dependencies file for fuzz_xmodem_recv.
# This may be replaced when dependencies are built.
