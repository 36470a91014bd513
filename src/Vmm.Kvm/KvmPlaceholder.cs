namespace Vmm.Kvm;
