# Empty dependencies file for sarafw_posix.
# This may be replaced when dependencies are built.
