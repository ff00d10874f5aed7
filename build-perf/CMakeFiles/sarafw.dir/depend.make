# Empty dependencies file for sarafw.
# This may be replaced when dependencies are built.
