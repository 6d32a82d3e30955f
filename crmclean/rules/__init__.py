"""Rules files: the pydantic model of the YAML (model.py) and the loader with located errors (load.py)."""
