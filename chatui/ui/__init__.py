"""The Textual app: screens, widgets and styles. The only layer that imports textual."""
