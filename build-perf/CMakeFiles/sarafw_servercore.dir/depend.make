# Empty dependencies file for sarafw_servercore.
# This may be replaced when dependencies are built.
