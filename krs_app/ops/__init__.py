"""Operations beside the app: backups, restores, the demo reset, structured logs."""
