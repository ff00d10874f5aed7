# Empty dependencies file for sarafw-server.
# This may be replaced when dependencies are built.
