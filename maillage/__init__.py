"""Maillage: the platform of a territory's CLDESS (Contrat Local de Développement de l'ESS)."""
