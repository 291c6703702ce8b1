/**
 * The testkit's first user outside the project: a named module that tests framewire with it, run
 * on the module path by CI (run.sh).
 */
module dev.framewire.testkit.consumer {
    requires dev.framewire;
    requires dev.framewire.testkit;
}
