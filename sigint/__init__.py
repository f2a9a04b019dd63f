"""sigint: SerDes / PAM signal-integrity simulator."""
