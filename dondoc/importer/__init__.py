"""Text in, a validated directive plan out: YAML files and published directive texts."""
