"""The kit's shared ipywidgets components: thin views over `slkit`, one module per family."""
