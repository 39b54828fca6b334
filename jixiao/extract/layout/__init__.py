"""Grid → 自评表: the layout reader."""
