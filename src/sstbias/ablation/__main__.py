"""``python -m sstbias.ablation``: copy ablation tables into a document (:mod:`sstbias.ablation.document`)."""

from sstbias.ablation.document import main

main()
