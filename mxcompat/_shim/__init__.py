"""``mxcompat run`` puts this folder on ``PYTHONPATH`` so that child processes (a ``spawn`` or
``forkserver`` multiprocessing pool, data-loader workers, ``subprocess`` of
``sys.executable``) resolve ``import mxnet`` to mxcompat as the parent does; see ``mxnet/``."""
