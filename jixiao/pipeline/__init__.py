"""One file through the stages: find the inputs, read each into frames, never stop on a bad file."""
