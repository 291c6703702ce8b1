/** framewire's first client: a named module that requires it, run on the module path by CI. */
module dev.framewire.consumer {
    requires dev.framewire;
}
