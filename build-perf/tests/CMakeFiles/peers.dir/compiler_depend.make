# Empty custom commands generated dependencies file for peers.
# This may be replaced when dependencies are built.
