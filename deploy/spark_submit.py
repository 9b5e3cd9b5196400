"""Entry point for spark-submit, which runs a .py file rather than a console script:

    spark-submit [spark options] deploy/spark_submit.py run CORPUS --out OUT --engine spark

The arguments are `extract`'s own; the engine joins the SparkContext that
spark-submit configured (master, executors, archives).
"""

from extract.cli import main

if __name__ == "__main__":
    main()
