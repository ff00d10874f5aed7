# Empty dependencies file for sarafw_simcore.
# This may be replaced when dependencies are built.
