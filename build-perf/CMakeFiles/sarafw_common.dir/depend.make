# Empty dependencies file for sarafw_common.
# This may be replaced when dependencies are built.
