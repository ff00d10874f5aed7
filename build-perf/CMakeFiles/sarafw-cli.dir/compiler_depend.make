# Empty compiler generated dependencies file for sarafw-cli.
# This may be replaced when dependencies are built.
