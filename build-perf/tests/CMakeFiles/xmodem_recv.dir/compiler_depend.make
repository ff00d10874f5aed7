# Empty compiler generated dependencies file for xmodem_recv.
# This may be replaced when dependencies are built.
