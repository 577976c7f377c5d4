"""Pure rules of KRS: no Reflex, no database. Formulas, scores, statuses, Thai dates, validation."""
