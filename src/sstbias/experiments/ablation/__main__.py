"""``python -m sstbias.experiments.ablation``: copy ablation tables into a document
(:mod:`sstbias.experiments.ablation.document`)."""

from sstbias.experiments.ablation.document import main

main()
