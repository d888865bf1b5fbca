"""The write path's derivations, run by data/pipeline.py in a fixed order."""
