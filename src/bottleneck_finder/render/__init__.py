"""Renderers: the analysis as pictures and documents."""
