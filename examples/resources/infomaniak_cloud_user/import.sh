# Import an existing user by <public_cloud_id>/<project_id>/<user_id>.
# The password is not readable from the API: the next apply sets the configured one.
terraform import infomaniak_cloud_user.ci 1001/2001/3001
