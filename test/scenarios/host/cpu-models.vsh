# cpu-models lists the CPU map's models for an architecture
cpu-models x86_64
cpu-models i686
cpu-models bogus
cpu-models ""
cpu-models
