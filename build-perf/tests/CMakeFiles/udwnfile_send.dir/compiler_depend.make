# Empty compiler generated dependencies file for udwnfile_send.
# This may be replaced when dependencies are built.
