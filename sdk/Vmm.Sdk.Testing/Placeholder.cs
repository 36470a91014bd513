namespace Vmm.Sdk.Testing;
