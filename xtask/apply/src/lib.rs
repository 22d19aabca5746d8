//! The apply engine: plan, apply and destroy rolewright deployments against live IAM.
