# Empty dependencies file for sarafw-sim.
# This may be replaced when dependencies are built.
