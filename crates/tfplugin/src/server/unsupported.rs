//! The `tfplugin6.Provider` methods this layer does not offer (yet).
//!
//! Ephemeral resources, list resources, function calls, state stores, actions,
//! resource moves and config generation all answer `UNIMPLEMENTED`; Terraform only
//! calls them for features a provider's schema declares, which ours never does.
//! They are spelled out in the boxed-future form `async_trait` produces, because
//! that attribute does not look inside macro invocations.

/// Expands, inside the `tfplugin6.Provider` impl, to the methods answering `UNIMPLEMENTED`.
macro_rules! unsupported_methods {
    () => {
        type ListResourceStream = tokio_stream::Empty<Result<proto::list_resource::Event, Status>>;
        type ReadStateBytesStream =
            tokio_stream::Empty<Result<proto::read_state_bytes::Response, Status>>;
        type InvokeActionStream = tokio_stream::Empty<Result<proto::invoke_action::Event, Status>>;

        $crate::server::unsupported::unsupported_methods! {
            move_resource_state(proto::move_resource_state::Request)
                -> proto::move_resource_state::Response;
            upgrade_resource_identity(proto::upgrade_resource_identity::Request)
                -> proto::upgrade_resource_identity::Response;
            generate_resource_config(proto::generate_resource_config::Request)
                -> proto::generate_resource_config::Response;
            validate_ephemeral_resource_config(proto::validate_ephemeral_resource_config::Request)
                -> proto::validate_ephemeral_resource_config::Response;
            open_ephemeral_resource(proto::open_ephemeral_resource::Request)
                -> proto::open_ephemeral_resource::Response;
            renew_ephemeral_resource(proto::renew_ephemeral_resource::Request)
                -> proto::renew_ephemeral_resource::Response;
            close_ephemeral_resource(proto::close_ephemeral_resource::Request)
                -> proto::close_ephemeral_resource::Response;
            list_resource(proto::list_resource::Request) -> Self::ListResourceStream;
            validate_list_resource_config(proto::validate_list_resource_config::Request)
                -> proto::validate_list_resource_config::Response;
            call_function(proto::call_function::Request) -> proto::call_function::Response;
            validate_state_store_config(proto::validate_state_store::Request)
                -> proto::validate_state_store::Response;
            configure_state_store(proto::configure_state_store::Request)
                -> proto::configure_state_store::Response;
            read_state_bytes(proto::read_state_bytes::Request) -> Self::ReadStateBytesStream;
            write_state_bytes(tonic::Streaming<proto::write_state_bytes::RequestChunk>)
                -> proto::write_state_bytes::Response;
            lock_state(proto::lock_state::Request) -> proto::lock_state::Response;
            unlock_state(proto::unlock_state::Request) -> proto::unlock_state::Response;
            get_states(proto::get_states::Request) -> proto::get_states::Response;
            delete_state(proto::delete_state::Request) -> proto::delete_state::Response;
            plan_action(proto::plan_action::Request) -> proto::plan_action::Response;
            invoke_action(proto::invoke_action::Request) -> Self::InvokeActionStream;
            validate_action_config(proto::validate_action_config::Request)
                -> proto::validate_action_config::Response;
        }
    };
    ($($name:ident($req:ty) -> $resp:ty;)+) => {
        $(
            fn $name<'life, 'fut>(
                &'life self,
                _request: Request<$req>,
            ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Reply<$resp>> + Send + 'fut>>
            where
                'life: 'fut,
                Self: 'fut,
            {
                Box::pin(async { unsupported(stringify!($name)) })
            }
        )+
    };
}

pub(crate) use unsupported_methods;
