# Empty compiler generated dependencies file for xmodem_send.
# This may be replaced when dependencies are built.
